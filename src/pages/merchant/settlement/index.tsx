import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom } from '@tarojs/taro'
import dayjs from 'dayjs'
import { useState } from 'react'
import { formatFen } from '@/components/format'
import MoneyLines from '@/components/MoneyLines'
import PayoutList from '@/components/PayoutList'
import { askToWithdraw } from '@/components/PayoutList/ask-withdraw'
import StateView from '@/components/StateView'
import { friendlyMessage } from '@/components/error-copy'
import { useEarningsStore } from '@/stores/earnings'
import './index.scss'

/**
 * 结算: what the platform owes the merchant (supply price of sold units), per month, and withdrawing it; one line per
 * order naming each amount's reason (售出, 缺货退款, 售后退款 …), one per payout.
 */
export default function MerchantSettlementPage() {
  const { balance, balanceError, balanceLoading, lines, statement, statementLoading, statementError, withdrawing, withdrawError, payouts, confirming, confirmError } = useEarningsStore()
  const { refresh, loadStatement, loadMoreLines, withdraw, confirmPayout, setAccount } = useEarningsStore.getState()
  const [month, setMonth] = useState(() => dayjs().format('YYYY-MM'))
  const showMonth = (m: string) => {
    setMonth(m)
    void loadStatement(m)
  }
  useDidShow(() => {
    // Someone who is also a leader sees their merchant account here, not their 收益.
    setAccount('merchant')
    void refresh()
    void loadStatement(month)
  })
  useReachBottom(() => void loadMoreLines())
  usePullDownRefresh(async () => {
    await Promise.all([refresh(), loadStatement(month)])
    Taro.stopPullDownRefresh()
  })
  const shift = (n: number) => dayjs(`${month}-01`).add(n, 'month').format('YYYY-MM')
  const onWithdraw = async () => {
    if (!balance || balance.availableFen <= 0) return
    const asked = await askToWithdraw(balance.availableFen, `将可结算的 ${formatFen(balance.availableFen)} 提现到微信零钱？`)
    if (asked && (await withdraw(balance.availableFen, asked.realName))) void Taro.showToast({ title: '已提交提现', icon: 'success' })
  }

  return (
    <View className='page'>
      <StateView loading={balanceLoading || !balance} error={balanceError} empty={!balance} emptyText='暂无结算' onRetry={() => void refresh()}>
        {balance && (
          <View className='settlement__main'>
            <Text className='settlement__label'>应结货款（未结清）</Text>
            <Text className='settlement__payable'>{formatFen(balance.frozenFen + balance.availableFen + balance.pendingPayoutFen)}</Text>
            <View className='row'>
              <Text className='settlement__label'>{`待提货 ${formatFen(balance.awaitingPickupFen)}`}</Text>
              <Text className='settlement__label'>{`售后期 ${formatFen(balance.afterSalesFen)}`}</Text>
              <Text className='settlement__label'>{`可结算 ${formatFen(balance.availableFen)}`}</Text>
              <Text className='settlement__label'>{`已结算 ${formatFen(balance.paidOutFen)}`}</Text>
            </View>
            {balance.debtFen > 0 && <Text className='settlement__error'>{`欠款 ${formatFen(balance.debtFen)}（售后期满后退款冲回，将从后续货款中先行抵扣）`}</Text>}
            <Button className='btn-primary' disabled={withdrawing || balance.availableFen <= 0} onClick={() => void onWithdraw()}>
              {withdrawing ? '提交中…' : '提现可结算货款'}
            </Button>
            {withdrawError && <Text className='settlement__error'>{friendlyMessage(withdrawError)}</Text>}
          </View>
        )}
        <PayoutList items={payouts} confirming={confirming} onConfirm={(id) => void confirmPayout(id)} />
        {confirmError && <Text className='settlement__error'>{friendlyMessage(confirmError)}</Text>}
        <View className='section'>
          <View className='settlement__months'>
            <Button size='mini' onClick={() => showMonth(shift(-1))}>上月</Button>
            <Text className='section__title'>{`${month} 对账单`}</Text>
            <Button size='mini' onClick={() => showMonth(shift(1))}>下月</Button>
          </View>
          {statementLoading && <Text className='muted'>生成中…</Text>}
          {statementError && <Text className='settlement__error'>{friendlyMessage(statementError)}</Text>}
          {statement && statement.month === month && !statementLoading && (
            <View>
              <View className='row'><Text>订单数</Text><Text>{`${statement.totals.orders} 笔`}</Text></View>
              <View className='row'><Text>供货货款</Text><Text>{formatFen(statement.totals.salesFen)}</Text></View>
              <View className='row'><Text>缺货/退款冲回</Text><Text>{formatFen(statement.totals.refundsFen)}</Text></View>
              <View className='row'><Text>本月应结</Text><Text>{formatFen(statement.totals.netFen)}</Text></View>
              <View className='row'><Text>本月已结算</Text><Text>{formatFen(statement.totals.paidOutFen)}</Text></View>
              <Button size='mini' onClick={() => void Taro.setClipboardData({ data: statement.csv.tempFileURL })}>复制 CSV 下载链接</Button>
            </View>
          )}
        </View>
        <View className='section'>
          <Text className='section__title'>每单货款</Text>
          {lines.error && <Text className='settlement__error'>{friendlyMessage(lines.error)}</Text>}
          {lines.loaded && lines.items.length === 0 && <Text className='muted'>还没有货款记录</Text>}
          <MoneyLines items={lines.items} />
          <View className='load-more'>{lines.loadingMore ? '加载中…' : lines.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
        </View>
      </StateView>
    </View>
  )
}
