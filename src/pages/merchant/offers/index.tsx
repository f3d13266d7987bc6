import MerchantHomePage from '../home'

/** 我的货源 on its own route: where 成团 notices for a merchant open (server/payments/payment-flow.ts). */
export default function MerchantOffersPage() {
  return <MerchantHomePage initialTab='offers' />
}
