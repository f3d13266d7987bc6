// NutUI per component: only what a page imports is bundled (config/index.ts gives these files designWidth 375).
import DatePicker from '@nutui/nutui-react-taro/dist/es/packages/datepicker/index'
import '@nutui/nutui-react-taro/dist/es/packages/datepicker/style/css'

export default DatePicker
