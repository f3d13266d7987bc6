export default definePageConfig({
  navigationBarTitleText: '邻里团',
  enablePullDownRefresh: true,
})
