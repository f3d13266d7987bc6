import { checkWithSchema, fenToYuanText, yuanToFen } from '@/components/form-fields'
import { catalogContract, type CreateProductInput, type ProductView } from '@/shared/contracts/catalog'

/** What the merchant types: text until parsed; prices in ¥. */
export interface ProductForm {
  name: string
  unit: string
  spec: string
  category: string
  description: string
  supplyPrice: string
  suggestedPrice: string
}

export const PRODUCT_LABELS: Record<string, string> = {
  name: '商品名称',
  unit: '单位',
  spec: '规格',
  category: '分类',
  description: '商品描述',
  images: '商品图片',
  supplyPriceFen: '供货价',
  suggestedPriceFen: '建议零售价',
}

export function emptyProductForm(): ProductForm {
  return { name: '', unit: '份', spec: '', category: '', description: '', supplyPrice: '', suggestedPrice: '' }
}

export function formOf(p: ProductView): ProductForm {
  return {
    name: p.name,
    unit: p.unit,
    spec: p.spec,
    category: p.category,
    description: p.description,
    supplyPrice: fenToYuanText(p.supplyPriceFen),
    suggestedPrice: fenToYuanText(p.suggestedPriceFen),
  }
}

export function toProductInput(form: ProductForm, images: string[]): CreateProductInput {
  return {
    name: form.name.trim(),
    unit: form.unit.trim(),
    ...(form.spec.trim() ? { spec: form.spec.trim() } : {}),
    category: form.category.trim(),
    ...(form.description.trim() ? { description: form.description.trim() } : {}),
    images,
    supplyPriceFen: yuanToFen(form.supplyPrice),
    suggestedPriceFen: yuanToFen(form.suggestedPrice),
  }
}

/** The cloud function's own schema, its messages in Chinese per field. */
export function validateProduct(input: CreateProductInput) {
  return checkWithSchema(catalogContract.createProduct, input, PRODUCT_LABELS, ['supplyPriceFen', 'suggestedPriceFen'])
}
