import { fireEvent, render, screen } from '@testing-library/react'
import RatingSheet from '.'

it('needs stars before it submits; carries the stars, the tags picked and the words', () => {
  const onSubmit = jest.fn()
  render(<RatingSheet saving={false} photos={{ items: [], onAdd: () => undefined, onRemove: () => undefined }} onSubmit={onSubmit} onClose={() => undefined} />)
  const submit = screen.getByRole('button', { name: '提交评价' })
  expect(submit).toHaveProperty('disabled', true)
  fireEvent.click(screen.getByLabelText('4 星'))
  fireEvent.click(screen.getByText('新鲜'))
  fireEvent.click(screen.getByText('破损'))
  fireEvent.click(screen.getByText('破损')) // tapped again: off
  fireEvent.change(screen.getByPlaceholderText('说说口感、分量、包装（选填）'), { target: { value: '很甜' } })
  expect(screen.getByText('满意')).toBeTruthy()
  fireEvent.click(screen.getByText('提交评价'))
  expect(onSubmit).toHaveBeenCalledWith({ stars: 4, tags: ['新鲜'], text: '很甜' })
})

it('editing starts from the rating as it is', () => {
  const onSubmit = jest.fn()
  render(<RatingSheet initial={{ stars: 2, tags: ['分量少'], text: '少了' }} saving={false} photos={{ items: [], onAdd: () => undefined, onRemove: () => undefined }} onSubmit={onSubmit} onClose={() => undefined} />)
  fireEvent.click(screen.getByText('保存修改'))
  expect(onSubmit).toHaveBeenCalledWith({ stars: 2, tags: ['分量少'], text: '少了' })
})
