import { ERROR_CODES, type ErrorCode } from '@/shared/errors'
import { NETWORK_ERROR, type ClientError } from '@/shared/client-result'
import { K_ANONYMITY_MIN } from '@/shared/domain/insight'

/** The one place user-facing Chinese copy for every error code lives. A missing code is a type error. */
export const ERROR_MESSAGES: Record<ErrorCode, string> = {
  'INPUT.INVALID': '填写的信息有误，请检查后再试',
  'AUTH.FORBIDDEN': '你没有权限进行此操作',
  'AUTH.UNAUTHENTICATED': '请先登录微信后再试',
  'ACTION.UNKNOWN': '当前版本不支持该操作，请更新小程序',
  INTERNAL: '系统繁忙，请稍后再试',
  'PICKUP_POINT.NOT_FOUND': '自提点不存在，请重新选择',
  'ROLE.BOUND_ELSEWHERE': '此人已在另一个自提点担任团长或店员，团长和店员只能在同一个自提点',
  'GROUP_BUY.NOT_FOUND': '团购不存在或已下架',
  'GROUP_BUY.NOT_OPEN': '该团购当前不在参团时间内',
  'GROUP_BUY.SOLD_OUT': '库存不足，已被抢光了',
  'GROUP_BUY.LIMIT_EXCEEDED': '超出每人限购数量',
  'GROUP_BUY.NOT_SUCCEEDED': '团购尚未成团，暂不能确认到货',
  'ORDER.NOT_FOUND': '订单不存在',
  'ORDER.NOT_CANCELLABLE': '订单已支付或已关闭，不能取消',
  'ORDER.NOT_PAYABLE': '订单已支付、已取消或已超时，无需再支付',
  'PAYMENT.FAILED': '支付未完成，请重试',
  'PICKUP.CODE_NOT_FOUND': '提货码无效，请核对后重新输入',
  'PICKUP.ALREADY_USED': '该提货码已使用，请勿重复核销',
  'PICKUP.EXPIRED': '提货码已过期',
  'PICKUP.NOT_READY': '商品尚未到货，暂不能提货',
  'PICKUP.REMINDED_TODAY': '今天已经催取过了，明天再试',
  'PICKUP.QUANTITY_TOO_MANY': '超过了待提数量，请核对后再试',
  'DELIVERY.NOT_OFFERED': '该自提点暂不提供配送到家，请选择到店自提',
  'DELIVERY.BUILDING_NOT_SERVED': '该楼栋不在配送范围内，请选择其他楼栋或到店自提',
  'DELIVERY.SLOT_INVALID': '配送时段已过或不可选，请重新选择',
  'DELIVERY.ADDRESS_REQUIRED': '请填写配送的楼栋和门牌号',
  'VOUCHER.NOT_FOUND': '券码无效，请核对后重新输入',
  'VOUCHER.ALREADY_REDEEMED': '该服务券已核销，请勿重复核销',
  'VOUCHER.NOT_VALID': '该服务券不可用（未支付、已取消或已退款）',
  'VOUCHER.EXPIRED': '该服务券已过期，将自动退款',
  'VOUCHER.SLOT_STARTED': '该时段已开始，不能再预约、取消或改约',
  'VOUCHER.SLOT_FULL': '该时段已约满，请选择其他时段',
  'VOUCHER.SLOT_NOT_FOUND': '预约时段不存在，请重新选择',
  'GROUP_BUY.NOT_ENDED': '团购尚未截团，截团后再确认到货',
  'COUPON.NOT_FOUND': '优惠券不存在',
  'COUPON.SOLD_OUT': '优惠券已被领完',
  'COUPON.LIMIT_EXCEEDED': '你已领取过该优惠券',
  'COUPON.ALREADY_REDEEMED': '该优惠券已核销，请勿重复使用',
  'COUPON.EXPIRED': '优惠券已过期',
  'COUPON.NOT_VALID_HERE': '该优惠券不适用于本自提点',
  'PRODUCT.NOT_FOUND': '商品不存在或已下架',
  'SUPPLY.NOT_FOUND': '货源不存在',
  'SUPPLY.NOT_AVAILABLE': '该货源暂未向你的自提点开放',
  'SUPPLY.SOLD_OUT': '货源库存不足，请减少开团数量',
  'SUPPLY.PRICE_OUT_OF_RANGE': '售价不在货源允许的价格区间内',
  'PURCHASE_ORDER.NOT_FOUND': '采购单不存在',
  'STORAGE.INVALID_FILE': '只能上传 5MB 以内的 PNG、JPEG 或 WebP 图片',
  'FEEDBACK.NOT_PICKED_UP': '提货后才能评价',
  'FEEDBACK.ALREADY_RATED': '你已评价过这笔订单',
  'FEEDBACK.NOT_FOUND': '还没有评价这笔订单',
  'FEEDBACK.EDIT_WINDOW_CLOSED': '评价超过 24 小时，不能再修改',
  'AFTER_SALES.NOT_PICKED_UP': '提货后才能申请售后',
  'AFTER_SALES.WINDOW_CLOSED': '已超过售后申请截止时间，不能再申请售后',
  'AFTER_SALES.QUANTITY_EXCEEDED': '申请数量超过了已提货的数量',
  'AFTER_SALES.NOT_FOUND': '售后申请不存在',
  'AFTER_SALES.ALREADY_DECIDED': '该售后申请已处理',
  'MEMBER.INSUFFICIENT_POINTS': '积分不足',
  'MEMBER.LEVEL_TOO_LOW': '会员等级不足，暂不能兑换',
  'LEDGER.INSUFFICIENT': '可提现余额不足',
  'LEDGER.NO_ACCOUNT': '你还没有可查看的收益账户',
  'LEDGER.REAL_NAME_REQUIRED': '单笔提现满 2000 元需填写收款人真实姓名',
  'LEDGER.PAYOUT_NOT_FOUND': '没有找到这笔提现',
  'COUPON.NOT_OPEN': '不在领券时间内',
  'COUPON.NOT_PAYABLE': '这次购买已超时失效，请重新购买',
  'AUDIENCE.TOO_SMALL': `目标人群不足 ${K_ANONYMITY_MIN} 人，为保护居民隐私无法投放，请放宽条件`,
}

/**
 * The merchant's publish form speaks to the merchant, not to a leader: the same codes, worded for who set the
 * range (a leader's 售价不在货源允许的价格区间内 means nothing to the one who published it).
 */
const PUBLISH_MESSAGES: Record<string, string> = {
  [ERROR_CODES.SUPPLY_PRICE_OUT_OF_RANGE]: '按这个价格区间团长无法开团：最高售价扣除团长佣金和奖励后不够付供货价，请提高最高售价或降低佣金',
  [`${ERROR_CODES.INPUT_INVALID}:minPriceFen`]: '团长最低售价不能低于供货价',
  [`${ERROR_CODES.INPUT_INVALID}:endAt`]: '结束时间需晚于现在',
  [ERROR_CODES.PICKUP_POINT_NOT_FOUND]: '选中的自提点已停用，请重新选择',
  [ERROR_CODES.PRODUCT_NOT_FOUND]: '商品不存在或已删除',
}

export function publishMessage(error: ClientError | null | undefined): string {
  if (!error) return ''
  const field = /^(\w+):/.exec(error.message ?? '')?.[1]
  return (field && PUBLISH_MESSAGES[`${error.code}:${field}`]) || PUBLISH_MESSAGES[error.code] || friendlyMessage(error)
}

export const NETWORK_MESSAGE = '网络开小差了，请检查网络后重试'

/** Never show raw backend text: every failure becomes one of the messages above. */
export function friendlyMessage(error: ClientError | null | undefined): string {
  if (!error) return ''
  if (error.code === NETWORK_ERROR) return NETWORK_MESSAGE
  return ERROR_MESSAGES[error.code] ?? ERROR_MESSAGES.INTERNAL
}
