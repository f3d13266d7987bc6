export default definePageConfig({ navigationBarTitleText: '今日提货', enablePullDownRefresh: true })
