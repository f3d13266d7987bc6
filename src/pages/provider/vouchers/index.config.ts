export default definePageConfig({ navigationBarTitleText: '服务核销', enablePullDownRefresh: true })
