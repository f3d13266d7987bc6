export default definePageConfig({ navigationBarTitleText: '货源', enablePullDownRefresh: true })
