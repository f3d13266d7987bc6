export default definePageConfig({
  navigationBarTitleText: '一码提货',
})
