/**
 * Plain-DOM stand-ins for @tarojs/components in jsdom: what a user sees and taps (text, buttons, inputs),
 * without Taro's web-components runtime. Event shapes follow Taro's (`e.detail.value`).
 */
import { createElement, forwardRef, type ReactNode } from 'react'

type AnyProps = { children?: ReactNode; className?: string; onClick?: (e: unknown) => void; [k: string]: unknown }

function pass({ children, className, onClick, id, style, ...rest }: AnyProps) {
  return {
    className,
    onClick,
    id: id as string | undefined,
    style: typeof style === 'object' ? (style as object) : undefined,
    'aria-label': rest['aria-label'] as string | undefined,
    role: rest.role as string | undefined,
    children,
  }
}

// forwardRef: UI-kit components (NutUI) hand refs to the Taro components they render.
export const View = forwardRef<HTMLDivElement, AnyProps>((p, ref) => createElement('div', { ...pass(p), ref }))
View.displayName = 'View'
export const Text = forwardRef<HTMLSpanElement, AnyProps>((p, ref) => createElement('span', { ...pass(p), ref }))
Text.displayName = 'Text'
export const Image = (p: AnyProps) => createElement('img', { className: p.className, src: p.src as string, alt: '' })
// open-type="agreePrivacyAuthorization": WeChat fires bindagreeprivacyauthorization after the tap, as here.
const tapped = (p: AnyProps) => (e: unknown) => {
  ;(p.onClick as ((e: unknown) => void) | undefined)?.(e)
  if (p.openType === 'agreePrivacyAuthorization') (p.onAgreePrivacyAuthorization as ((e: unknown) => void) | undefined)?.(e)
}
export const Button = (p: AnyProps) =>
  createElement(
    'button',
    { className: p.className, id: p.id, 'data-open-type': p.openType, disabled: Boolean(p.disabled), onClick: p.disabled ? undefined : tapped(p), 'aria-busy': Boolean(p.loading) },
    p.children,
  )
function field(tag: 'input' | 'textarea') {
  const Field = (p: AnyProps) =>
    createElement(tag, {
      className: p.className,
      value: (p.value as string) ?? '',
      placeholder: p.placeholder as string,
      onChange: (e: { target: { value: string } }) => {
        const onInput = p.onInput as ((ev: { detail: { value: string } }) => void) | undefined
        onInput?.({ detail: { value: e.target.value } })
      },
      onKeyDown: (e: { key: string; currentTarget: { value: string } }) => {
        const onConfirm = p.onConfirm as ((ev: { detail: { value: string } }) => void) | undefined
        if (e.key === 'Enter') onConfirm?.({ detail: { value: e.currentTarget.value } })
      },
    })
  Field.displayName = tag
  return Field
}
export const Input = field('input')
export const Textarea = field('textarea')
export const Picker = (p: AnyProps) => createElement('div', { className: 'picker' }, p.children)
export const ScrollView = View
/** A bare canvas: jsdom draws nothing, and the layout query answers no node, so charts show their CSS fallback. */
export const Canvas = (p: AnyProps) => createElement('canvas', { className: p.className, id: p.id as string | undefined })
/** A swiper's slides, laid out one after another (a user sees each slide's content). */
export const Swiper = View
export const SwiperItem = View
/** A checkbox with Taro's Switch event shape (`e.detail.value` is the new state). */
export const Switch = (p: AnyProps) =>
  createElement('input', {
    type: 'checkbox',
    role: 'switch',
    className: p.className,
    checked: Boolean(p.checked),
    disabled: Boolean(p.disabled),
    onChange: (e: { target: { checked: boolean } }) => {
      const onChange = p.onChange as ((ev: { detail: { value: boolean } }) => void) | undefined
      onChange?.({ detail: { value: e.target.checked } })
    },
  })
