import { Text } from '@tarojs/components'
import type { GroupBuyStatus } from '@/shared/contracts/group-buy'
import { GROUP_BUY_STATUS_LABEL } from '../labels'
import './index.scss'

export default function StatusTag({ status }: { status: GroupBuyStatus }) {
  return <Text className={`status-tag status-tag--${status.toLowerCase()}`}>{GROUP_BUY_STATUS_LABEL[status]}</Text>
}
