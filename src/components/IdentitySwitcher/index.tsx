import { Text, View } from '@tarojs/components'
import { DEMO_IDENTITIES, isLocalMode } from '@/shared/demo-identities'
import { ROLE_LABEL } from '@/components/labels'
import { resetUserScopedStores } from '@/stores/reset'
import { useSessionStore } from '@/stores/session'
import './index.scss'

/** 居民A, 团长, …: a demo identity by its role's label. */
function labelOf(openid: string): string {
  const d = DEMO_IDENTITIES.find((x) => x.openid === openid)
  return d ? `${ROLE_LABEL[d.role]}${d.tag}` : openid
}

interface Props {
  /** Called after the new identity has loaded (e.g. to send the tester back home). */
  onSwitched?: (openid: string) => void
}

/** Local mode only: act as one of the demo users. Renders nothing in the mini-program. */
export default function IdentitySwitcher({ onSwitched }: Props) {
  const openid = useSessionStore((s) => s.openid)
  const switchIdentity = useSessionStore((s) => s.switchIdentity)
  if (!isLocalMode) return null
  return (
    <View className='identity-switcher'>
      <Text className='identity-switcher__title'>{`本地模式 · 当前身份：${openid ? labelOf(openid) : '…'}`}</Text>
      <View className='identity-switcher__chips'>
        {DEMO_IDENTITIES.map((d) => (
          <View
            key={d.openid}
            className={`identity-switcher__chip ${d.openid === openid ? 'identity-switcher__chip--on' : ''}`}
            onClick={async () => {
              resetUserScopedStores()
              await switchIdentity(d.openid)
              onSwitched?.(d.openid)
            }}
          >
            {`切换为${labelOf(d.openid)}`}
          </View>
        ))}
      </View>
    </View>
  )
}
