import { startLocalCloud } from '../local-cloud/host'
import { createCrowdGroupBuy, runCrowd } from '../bench/crowd'
;(async () => {
  const cloud = await startLocalCloud({ port: 0, dataDir: '/tmp/prof-cloud-' + Date.now(), adminOpenids: ['demo-admin'], seed: true })
  const gb = await createCrowdGroupBuy(cloud, 500)
  const r = await runCrowd(cloud, gb, 500, 1000, 2, (o, e) => cloud.invoke('groupBuy', e, o) as never)
  console.log(r.joinsPerSec, cloud.db.stats)
  await cloud.close()
})()
