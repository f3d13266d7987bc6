export default definePageConfig({ navigationBarTitleText: '销售看板', enablePullDownRefresh: true })
