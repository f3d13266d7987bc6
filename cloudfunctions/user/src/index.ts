import { defineFunction } from '@server/define'
import { choosePickupPoint } from './actions/choose-pickup-point'
import { deleteMe } from './actions/delete-me'
import { exportMyData } from './actions/export-my-data'
import { listPickupPoints } from './actions/list-pickup-points'
import { markNoticesRead } from './actions/mark-notices-read'
import { me } from './actions/me'
import { notices } from './actions/notices'
import { recordConsent } from './actions/record-consent'
import { recordUpload } from './actions/record-upload'
import { setContact } from './actions/set-contact'
import { setMarketingConsent } from './actions/set-marketing-consent'

export const main = defineFunction({ me, choosePickupPoint, listPickupPoints, recordConsent, notices, markNoticesRead, setMarketingConsent, exportMyData, recordUpload, deleteMe, setContact })
