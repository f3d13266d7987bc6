// NutUI per component: only what a page imports is bundled (config/index.ts gives these files designWidth 375).
import Popup from '@nutui/nutui-react-taro/dist/es/packages/popup/index'
import '@nutui/nutui-react-taro/dist/es/packages/popup/style/css'

export default Popup
