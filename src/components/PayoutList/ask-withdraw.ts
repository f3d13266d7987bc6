import Taro from '@tarojs/taro'
import { needsUserName, USER_NAME_REQUIRED_FROM_FEN } from '@/shared/domain/payout'
import { formatFen } from '@/components/format'

/**
 * Ask before a withdrawal; from ¥2,000 also ask for the payee's real name, which WeChat Pay checks against the
 * WeChat account (it is sent encrypted and not kept). null: the user backed out.
 */
export async function askToWithdraw(amountFen: number, content: string): Promise<{ realName?: string } | null> {
  const { confirm } = await Taro.showModal({ title: '提现', content })
  if (!confirm) return null
  if (!needsUserName(amountFen)) return {}
  const res = (await Taro.showModal({
    title: '收款人真实姓名',
    content: '',
    editable: true,
    placeholderText: `单笔满 ${formatFen(USER_NAME_REQUIRED_FROM_FEN)} 需填写，与微信实名一致`,
  } as Parameters<typeof Taro.showModal>[0])) as { confirm: boolean; content?: string }
  const realName = (res.content ?? '').trim()
  return res.confirm && realName ? { realName } : null
}
