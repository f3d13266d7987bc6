export default definePageConfig({ navigationBarTitleText: '我的货源', enablePullDownRefresh: true })
