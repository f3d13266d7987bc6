import { Button, Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'
import type { ClientError } from '@/shared/client-result'
import { friendlyMessage } from '@/components/error-copy'
import './index.scss'

interface Props {
  loading: boolean
  error: ClientError | null
  empty: boolean
  emptyText: string
  onRetry?: () => void
  /** Shown when the list already has items but the latest refresh failed. */
  children?: ReactNode
}

/** One place that decides between loading, failure, empty and content, so no screen shows a raw error. */
export default function StateView({ loading, error, empty, emptyText, onRetry, children }: Props) {
  if (error && empty) {
    return (
      <View className='state-view state-view--error'>
        <Text className='state-view__text'>{friendlyMessage(error)}</Text>
        {onRetry && (
          <Button className='state-view__retry' size='mini' onClick={onRetry}>
            重试
          </Button>
        )}
      </View>
    )
  }
  if (loading && empty) {
    return (
      <View className='state-view'>
        <Text className='state-view__text'>加载中…</Text>
      </View>
    )
  }
  if (empty) {
    return (
      <View className='state-view'>
        <Text className='state-view__text'>{emptyText}</Text>
      </View>
    )
  }
  return (
    <>
      {error && <View className='state-view__banner'>{friendlyMessage(error)}</View>}
      {children}
    </>
  )
}
