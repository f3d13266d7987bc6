export default definePageConfig({ navigationBarTitleText: '团长工作台', enablePullDownRefresh: true })
