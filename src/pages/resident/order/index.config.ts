export default definePageConfig({
  navigationBarTitleText: '订单详情',
  enablePullDownRefresh: true,
  // Native components exist only in the mini-program; the H5 build renders the React PickupCode instead.
  ...(process.env.TARO_ENV === 'weapp'
    ? { usingComponents: { 'pickup-code': '../../../components/native/pickup-code/index' } }
    : {}),
})
