export default defineAppConfig({
  pages: [
    'pages/resident/home/index',
    'pages/resident/orders/index',
    'pages/resident/me/index',
    'pages/resident/detail/index',
    'pages/resident/order/index',
    'pages/resident/coupons/index',
    'pages/resident/pickup-points/index',
    'pages/resident/notices/index',
    'pages/resident/privacy/index',
    'pages/resident/my-code/index',
    'pages/resident/not-found/index',
    'pages/resident/service/index',
  ],
  subPackages: [
    { root: 'pages/leader', pages: ['home/index', 'create/index', 'group/index', 'supply/index', 'from-offer/index', 'picklist/index', 'earnings/index', 'after-sales/index'] },
    { root: 'pages/clerk', pages: ['verify/index', 'today/index', 'delivery/index'] },
    { root: 'pages/merchant', pages: ['home/index', 'offers/index', 'product/index', 'publish/index', 'purchase-orders/index', 'campaign/index', 'settlement/index', 'feedback/index'] },
    // 销售看板 serves merchants, leaders, clerks and the admin, and carries the chart library (F2): its own subpackage
    // keeps that weight out of the main package and out of the merchant pages' budget.
    { root: 'pages/insight', pages: ['index'] },
    { root: 'pages/admin', pages: ['home/index', 'reconcile/index', 'delivery/index'] },
    // 服务核销 (#25): the service provider's screen, used by merchants and by clerks of a serving store.
    { root: 'pages/provider', pages: ['vouchers/index'] },
  ],
  tabBar: {
    color: '#666666',
    selectedColor: '#fa6400',
    backgroundColor: '#ffffff',
    borderStyle: 'black',
    list: [
      { pagePath: 'pages/resident/home/index', text: '团购' },
      { pagePath: 'pages/resident/orders/index', text: '订单' },
      { pagePath: 'pages/resident/me/index', text: '我的' },
    ],
  },
  // The privacy guide (用户隐私保护指引) gates privacy APIs until accepted; src/components/PrivacyConsent asks once.
  __usePrivacyCheck__: true,
  window: {
    // 'default' is weapp's own bar; on H5 it turns on Taro's title bar with a back (and home) button (#22).
    navigationStyle: 'default',
    backgroundTextStyle: 'dark',
    navigationBarBackgroundColor: '#fa6400',
    navigationBarTitleText: '邻里团',
    navigationBarTextStyle: 'white',
    backgroundColor: '#f5f5f5',
  },
})
