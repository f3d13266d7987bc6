export default definePageConfig({ navigationBarTitleText: '配送单', enablePullDownRefresh: true })
