// NutUI per component: only what a page imports is bundled (config/index.ts gives these files designWidth 375).
import Tabs from '@nutui/nutui-react-taro/dist/es/packages/tabs/index'
import '@nutui/nutui-react-taro/dist/es/packages/tabs/style/css'

export default Tabs
