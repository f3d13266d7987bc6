import { fireEvent, render, screen } from '@testing-library/react'
import PhotoPicker from '.'

it('shows each photo with its upload state in words, and the add tile until the form is full', () => {
  const onAdd = jest.fn()
  const onRemove = jest.fn()
  const items = [
    { key: 'a', url: 'http://a', uploading: true, error: null },
    { key: 'b', url: 'http://b', uploading: false, error: { code: 'STORAGE.INVALID_FILE' as const, message: 'magic bytes mismatch' } },
  ]
  const { rerender } = render(<PhotoPicker items={items} max={3} onAdd={onAdd} onRemove={onRemove} />)
  expect(screen.getByText('上传中…')).toBeTruthy()
  expect(screen.getByText('只能上传 5MB 以内的 PNG、JPEG 或 WebP 图片')).toBeTruthy()
  expect(screen.queryByText(/magic/)).toBeNull()
  fireEvent.click(screen.getByText('添加图片 2/3'))
  expect(onAdd).toHaveBeenCalled()
  fireEvent.click(screen.getAllByLabelText('删除图片')[1])
  expect(onRemove).toHaveBeenCalledWith('b')
  rerender(<PhotoPicker items={[...items, { key: 'c', url: 'http://c', uploading: false, error: null }]} max={3} onAdd={onAdd} onRemove={onRemove} />)
  expect(screen.queryByText(/添加图片/)).toBeNull()
})
