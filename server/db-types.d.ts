import type cloud from 'wx-server-sdk'

// wx-server-sdk declares its database types inside the module; give the server code one global name for them.
declare global {
  namespace DB {
    type Database = ReturnType<typeof cloud.database>
  }
}
