import { Input, Text, View } from '@tarojs/components'
import type { ReactNode } from 'react'

interface Props {
  label: string
  value?: string
  onInput?: (value: string) => void
  placeholder?: string
  type?: 'text' | 'digit' | 'number'
  error?: string
  /** A custom control instead of the text input (a picker, a stepper, photos). */
  children?: ReactNode
  className?: string
}

/** One labelled form row with its field's message under it (messages come from the shared schema). */
export default function Field({ label, value, onInput, placeholder, type = 'text', error, children, className }: Props) {
  return (
    <View className={`form-field ${className ?? ''}`}>
      <Text className='form-field__label'>{label}</Text>
      {children ?? (
        <Input className='form-field__input' type={type} value={value ?? ''} placeholder={placeholder ?? ''} onInput={(e) => onInput?.(e.detail.value)} />
      )}
      {error ? <Text className='form-field__error'>{error}</Text> : null}
    </View>
  )
}
