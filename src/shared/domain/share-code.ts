/**
 * 海报小程序码: a poster's code opens the detail page with a `scene` (wxacode.getUnlimited: at most 32 visible
 * characters from a small alphabet, no `%`). A group buy id alone already fills 32, so the scene is a short key
 * of the `shareCodes` document that names the group buy and the leader it is attributed to.
 */

/** The page the code opens (no leading slash, no query: WeChat's rule for `page`). */
export const SHARE_PAGE = 'pages/resident/detail/index'

/** What WeChat accepts in a scene. */
export const SCENE_PATTERN = /^[0-9A-Za-z!#$&'()*+,/:;=?@\-._~]{1,32}$/

/** Our scenes: `p` + 24 base64url characters (25 in all, inside WeChat's 32). */
export const SHARE_SCENE_PATTERN = /^p[A-Za-z0-9_-]{24}$/

/**
 * The scene as the page receives it: WeChat hands it over URI-encoded in the page's `scene` option. Null when
 * it is none of ours (a malformed or foreign code opens the page without attribution).
 */
export function sceneFromQuery(raw: string | undefined | null): string | null {
  if (!raw) return null
  let scene = raw
  try {
    scene = decodeURIComponent(raw)
  } catch {
    return null
  }
  return SHARE_SCENE_PATTERN.test(scene) ? scene : null
}
