/**
 * WeChat's 发货信息录入 (`wxa.sec.order.uploadShippingInfo` as wx-server-sdk's cloud call takes it, camelCase),
 * offline. It checks what WeChat checks for a pickup order and answers WeChat's errcodes: 47001 data format error
 * (order_key, logistics_type outside 1–4, delivery_mode), 268485228 a shipping list that is not exactly one item
 * with an item_desc for unified delivery, 268485216 an upload_time that is not RFC 3339. Accepted uploads are
 * listed (GET /sim/shipping); the next `count` calls can be made to fail (POST /sim/shipping-failures).
 */
export interface ShippingItem {
  outTradeNo: string
  logisticsType: number
  deliveryMode: number
  itemDesc: string
  payerOpenid: string
  uploadTime: string
}

interface UploadReq {
  orderKey?: { orderNumberType?: number; mchid?: string; outTradeNo?: string; transactionId?: string }
  logisticsType?: number
  deliveryMode?: number
  shippingList?: { itemDesc?: string; trackingNo?: string; expressCompany?: string }[]
  uploadTime?: string
  payer?: { openid?: string }
}

const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/

export class ShippingSimulator {
  private readonly accepted: ShippingItem[] = []
  private failuresLeft = 0
  /** Upload calls made, accepted or not. */
  calls = 0

  api() {
    return {
      uploadShippingInfo: async (req: UploadReq) => {
        this.calls++
        if (this.failuresLeft > 0) {
          this.failuresLeft--
          return { errCode: -1, errMsg: 'system error (simulated)' }
        }
        const k = req.orderKey
        if (!k || k.orderNumberType !== 1 || !k.mchid || !k.outTradeNo) return { errCode: 47001, errMsg: 'data format error: order_key' }
        if (!Number.isInteger(req.logisticsType) || req.logisticsType! < 1 || req.logisticsType! > 4) return { errCode: 47001, errMsg: 'data format error: logistics_type' }
        if (req.deliveryMode !== 1 && req.deliveryMode !== 2) return { errCode: 47001, errMsg: 'data format error: delivery_mode' }
        const list = req.shippingList ?? []
        if (list.length === 0 || list.length > 15 || (req.deliveryMode === 1 && list.length !== 1) || !list.every((i) => typeof i.itemDesc === 'string' && i.itemDesc.length > 0 && i.itemDesc.length <= 120)) {
          return { errCode: 268485228, errMsg: 'shipping_list invalid' }
        }
        if (req.logisticsType === 4 && list.some((i) => i.trackingNo)) return { errCode: 268485228, errMsg: 'pickup orders carry no tracking number' }
        if (!req.uploadTime || !RFC3339.test(req.uploadTime) || Number.isNaN(Date.parse(req.uploadTime))) return { errCode: 268485216, errMsg: '上传时间非法,请按照 RFC 3339 格式填写' }
        if (!req.payer?.openid) return { errCode: 47001, errMsg: 'data format error: payer.openid' }
        // WeChat allows one re-upload (an update) per payment; a third is refused.
        const prior = this.accepted.filter((a) => a.outTradeNo === k.outTradeNo).length
        if (prior >= 2) return { errCode: 10060003, errMsg: '支付单已达到最大发货次数' }
        this.accepted.push({ outTradeNo: k.outTradeNo, logisticsType: req.logisticsType!, deliveryMode: req.deliveryMode, itemDesc: list[0].itemDesc!, payerOpenid: req.payer.openid, uploadTime: req.uploadTime })
        return { errCode: 0, errMsg: 'openapi.wxa.sec.order.uploadShippingInfo:ok' }
      },
    }
  }

  failNext(count: number): void {
    this.failuresLeft = count
  }

  list(): ShippingItem[] {
    return [...this.accepted]
  }

  uploadsFor(outTradeNo: string): number {
    return this.accepted.filter((a) => a.outTradeNo === outTradeNo).length
  }
}
