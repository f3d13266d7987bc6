export default definePageConfig({ navigationBarTitleText: '发起团购' })
