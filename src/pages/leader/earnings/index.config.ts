export default definePageConfig({ navigationBarTitleText: '我的收益', enablePullDownRefresh: true })
