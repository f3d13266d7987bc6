// NutUI per component: only what a page imports is bundled (config/index.ts gives these files designWidth 375).
import Swiper from '@nutui/nutui-react-taro/dist/es/packages/swiper/index'
import '@nutui/nutui-react-taro/dist/es/packages/swiper/style/css'

export default Swiper
