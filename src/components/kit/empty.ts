// NutUI per component: only what a page imports is bundled (config/index.ts gives these files designWidth 375).
import Empty from '@nutui/nutui-react-taro/dist/es/packages/empty/index'
import '@nutui/nutui-react-taro/dist/es/packages/empty/style/css'

export default Empty
