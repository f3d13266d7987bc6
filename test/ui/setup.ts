// UI tests render the H5 flavour of the app (the one the local "act as" switcher exists in).
process.env.TARO_ENV = 'h5'
