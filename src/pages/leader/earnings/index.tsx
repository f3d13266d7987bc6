import { Button, Text, View } from '@tarojs/components'
import Taro, { useDidShow, usePullDownRefresh, useReachBottom, useRouter } from '@tarojs/taro'
import dayjs from 'dayjs'
import { formatFen } from '@/components/format'
import MoneyLines from '@/components/MoneyLines'
import PayoutList from '@/components/PayoutList'
import { askToWithdraw } from '@/components/PayoutList/ask-withdraw'
import StateView from '@/components/StateView'
import type { AccountRole } from '@/shared/contracts/ledger'
import { friendlyMessage } from '@/components/error-copy'
import { tierProgress, useEarningsStore } from '@/stores/earnings'
import './index.scss'

const ACCOUNTS: readonly AccountRole[] = ['leader', 'merchant', 'store']

/**
 * 收益: what the leader (or, opened with `?as=store`, a clerk's store) has earned, one line per order (frozen until
 * picked up and its after-sales window closed: 待提货 → 售后期 → 可提现 → 已提现), can withdraw, and has withdrawn;
 * any debt; tier; statement.
 */
export default function LeaderEarningsPage() {
  const { params } = useRouter()
  const as = ACCOUNTS.find((a) => a === params.as)
  const { balance, balanceError, balanceLoading, lines, statement, statementLoading, statementError, withdrawing, withdrawError, payouts, confirming, confirmError } = useEarningsStore()
  const { refresh, loadMoreLines, loadStatement, withdraw, confirmPayout, setAccount } = useEarningsStore.getState()
  const month = dayjs().format('YYYY-MM')
  const isStore = as === 'store' || balance?.party === 'store'
  useDidShow(() => {
    setAccount(as)
    void refresh()
  })
  usePullDownRefresh(async () => {
    await refresh()
    Taro.stopPullDownRefresh()
  })
  useReachBottom(() => void loadMoreLines())

  const onWithdraw = async () => {
    if (!balance || balance.availableFen <= 0) return
    const asked = await askToWithdraw(balance.availableFen, `将可提现的 ${formatFen(balance.availableFen)} 提现到微信零钱？`)
    if (!asked) return
    if (await withdraw(balance.availableFen, asked.realName)) void Taro.showToast({ title: '已提交提现', icon: 'success' })
  }

  return (
    <View className='page'>
      <StateView loading={balanceLoading || !balance} error={balanceError} empty={!balance} emptyText='暂无收益' onRetry={() => void refresh()}>
        {balance && (
          <View className='earnings__main'>
            <Text className='earnings__label'>可提现</Text>
            <Text className='earnings__available'>{formatFen(balance.availableFen)}</Text>
            <View className='earnings__cells'>
              <View className='earnings__cell'>
                <Text className='earnings__label'>冻结中</Text>
                <Text className='earnings__cell-value'>{formatFen(balance.frozenFen)}</Text>
                <Text className='muted'>{`待提货 ${formatFen(balance.awaitingPickupFen)} · 售后期 ${formatFen(balance.afterSalesFen)}`}</Text>
              </View>
              <View className='earnings__cell'>
                <Text className='earnings__label'>提现中</Text>
                <Text className='earnings__cell-value'>{formatFen(balance.pendingPayoutFen)}</Text>
              </View>
              <View className='earnings__cell'>
                <Text className='earnings__label'>已提现</Text>
                <Text className='earnings__cell-value'>{formatFen(balance.paidOutFen)}</Text>
              </View>
            </View>
            {isStore ? (
              <Text className='muted'>门店手续费由平台线下结算，不在小程序内提现</Text>
            ) : (
              <Button className='btn-primary' disabled={withdrawing || balance.availableFen <= 0} onClick={() => void onWithdraw()}>
                {withdrawing ? '提交中…' : '提现'}
              </Button>
            )}
            {balance.debtFen > 0 && <Text className='earnings__error'>{`欠款 ${formatFen(balance.debtFen)}：已提现的收益被退款冲回，将从后续收益中先行抵扣`}</Text>}
            {withdrawError && <Text className='earnings__error'>{friendlyMessage(withdrawError)}</Text>}
          </View>
        )}
        <PayoutList items={payouts} confirming={confirming} onConfirm={(id) => void confirmPayout(id)} />
        {confirmError && <Text className='earnings__error'>{friendlyMessage(confirmError)}</Text>}
        {balance?.tier && (
          <View className='section'>
            <Text className='section__title'>{`本月阶梯 · 当前加成 +${(balance.tier.bonusBp / 100).toFixed(2)}%`}</Text>
            <View className='earnings__bar'>
              <View className='earnings__bar-fill' style={{ width: `${Math.round(tierProgress(balance.tier) * 100)}%` }} />
            </View>
            <Text className='muted'>
              {balance.tier.nextThresholdFen === null
                ? `本月帮卖已提货 ${formatFen(balance.tier.monthPickedUpFen)}，已是最高档`
                : `本月帮卖已提货 ${formatFen(balance.tier.monthPickedUpFen)}，再帮卖 ${formatFen(balance.tier.nextThresholdFen - balance.tier.monthPickedUpFen)} 升到下一档`}
            </Text>
          </View>
        )}
        {!isStore && (
          <View className='section'>
            <View className='row'>
              <Text className='section__title'>{`${month} 对账单`}</Text>
              <Button className='btn-primary' size='mini' disabled={statementLoading} onClick={() => void loadStatement(month)}>
                {statementLoading ? '生成中…' : '生成'}
              </Button>
            </View>
            {statementError && <Text className='earnings__error'>{friendlyMessage(statementError)}</Text>}
            {statement && (
              <View>
                <Text className='muted'>{`订单 ${statement.totals.orders} 笔 · 分成 ${formatFen(statement.totals.salesFen)} · 退款冲回 ${formatFen(statement.totals.refundsFen)} · 净收益 ${formatFen(statement.totals.netFen)}`}</Text>
                <Button size='mini' onClick={() => void Taro.setClipboardData({ data: statement.csv.tempFileURL })}>
                  复制 CSV 下载链接
                </Button>
              </View>
            )}
          </View>
        )}
        <View className='section'>
          <Text className='section__title'>每单收益</Text>
          {lines.error && <Text className='earnings__error'>{friendlyMessage(lines.error)}</Text>}
          {lines.loaded && lines.items.length === 0 && <Text className='muted'>还没有收益记录</Text>}
          <MoneyLines items={lines.items} />
          <View className='load-more'>{lines.loadingMore ? '加载中…' : lines.nextCursor ? '上拉加载更多' : '没有更多了'}</View>
        </View>
      </StateView>
    </View>
  )
}
