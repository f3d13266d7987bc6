// NutUI per component: only what a page imports is bundled (config/index.ts gives these files designWidth 375).
import Progress from '@nutui/nutui-react-taro/dist/es/packages/progress/index'
import '@nutui/nutui-react-taro/dist/es/packages/progress/style/css'

export default Progress
