// Native WeChat component: the pickup code as the resident shows it at the pickup point.
// Dependency-free on purpose: the page computes the QR data URL (qrcode-generator) and passes it in,
// so this folder can be copied into the weapp build as-is and tested with miniprogram-simulate.

// setTimeout's delay is a signed 32-bit int; a longer wait fires immediately, so only arm within ~24 days.
const MAX_TIMER_MS = 0x7fffffff

function pad(n) {
  return n < 10 ? '0' + n : String(n)
}

/** "12345678" -> "1234 5678": easier to read aloud to the clerk. */
function groupCode(code) {
  return String(code || '').replace(/(.{4})(?=.)/g, '$1 ')
}

/** Device-local "MM-DD HH:mm" (the same shape as formatTime in src/components/format.ts). */
function formatExpiry(ms) {
  const d = new Date(ms)
  return pad(d.getMonth() + 1) + '-' + pad(d.getDate()) + ' ' + pad(d.getHours()) + ':' + pad(d.getMinutes())
}

Component({
  properties: {
    /** 8-digit pickup code. */
    code: { type: String, value: '' },
    /** Epoch ms after which the code no longer verifies; 0 = no expiry shown. */
    expires: { type: Number, value: 0 },
    /** QR image of the code as a data URL, computed by the page. */
    qr: { type: String, value: '' },
    /** The goods were picked up: the code is kept for the record, without QR. */
    used: { type: Boolean, value: false },
  },

  data: {
    grouped: '',
    expiry: '',
    expired: false,
  },

  observers: {
    'code, expires': function () {
      this.refresh()
    },
  },

  lifetimes: {
    attached() {
      this.refresh()
    },
    detached() {
      this.clearTimer()
    },
  },

  // Coming back to the page (e.g. hours later) must show the current state, not the one at first render.
  pageLifetimes: {
    show() {
      this.refresh()
    },
  },

  methods: {
    refresh() {
      const expires = this.data.expires
      const remaining = expires > 0 ? expires - Date.now() : Infinity
      this.setData({
        grouped: groupCode(this.data.code),
        expiry: expires > 0 ? formatExpiry(expires) : '',
        expired: remaining <= 0,
      })
      // Flip to 已过期 at the expiry moment while the page stays open.
      this.clearTimer()
      if (remaining > 0 && remaining <= MAX_TIMER_MS) {
        this.timer = setTimeout(() => this.refresh(), remaining)
      }
    },

    clearTimer() {
      if (this.timer) {
        clearTimeout(this.timer)
        this.timer = null
      }
    },

    copy() {
      const code = this.data.code
      if (!code) return
      wx.setClipboardData({
        data: code,
        success: () => this.triggerEvent('copy', { code }),
      })
    },
  },
})
