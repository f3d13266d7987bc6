export default definePageConfig({ navigationBarTitleText: '一键开团' })
