// NutUI per component: only what a page imports is bundled (config/index.ts gives these files designWidth 375).
import InputNumber from '@nutui/nutui-react-taro/dist/es/packages/inputnumber/index'
import '@nutui/nutui-react-taro/dist/es/packages/inputnumber/style/css'

export default InputNumber
