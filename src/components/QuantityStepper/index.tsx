import { Text, View } from '@tarojs/components'
import './index.scss'

interface Props {
  value: number
  max: number
  min?: number
  onChange: (value: number) => void
}

/** +/- stepper that never leaves [min, max]; the caller derives max from the per-person limit and stock. */
export default function QuantityStepper({ value, max, min = 1, onChange }: Props) {
  const canDec = value > min
  const canInc = value < max
  return (
    <View className='stepper'>
      <View
        className={`stepper__btn ${canDec ? '' : 'stepper__btn--disabled'}`}
        onClick={() => canDec && onChange(value - 1)}
        aria-label='减少'
      >
        −
      </View>
      <Text className='stepper__value'>{value}</Text>
      <View
        className={`stepper__btn ${canInc ? '' : 'stepper__btn--disabled'}`}
        onClick={() => canInc && onChange(value + 1)}
        aria-label='增加'
      >
        +
      </View>
    </View>
  )
}
