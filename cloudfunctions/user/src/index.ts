import { defineFunction } from '@server/define'
import { choosePickupPoint } from './actions/choose-pickup-point'
import { listPickupPoints } from './actions/list-pickup-points'
import { me } from './actions/me'
import { recordConsent } from './actions/record-consent'

export const main = defineFunction({ me, choosePickupPoint, listPickupPoints, recordConsent })
