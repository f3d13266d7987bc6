export default definePageConfig({ navigationBarTitleText: '评价反馈', enablePullDownRefresh: true })
