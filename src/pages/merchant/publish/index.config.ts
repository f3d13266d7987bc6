export default definePageConfig({ navigationBarTitleText: '发布货源' })
