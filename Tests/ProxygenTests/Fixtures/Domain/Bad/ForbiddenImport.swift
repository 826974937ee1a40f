// The domain audit must report exactly these diagnostics for this file (line:column as below).
// expect: 13:8: error: import of 'LeafCore': a domain imports only LeafInterfaces and LeafSDK [forbidden-import]
// expect: 14:8: error: import of 'LeafProxies': a domain imports only LeafInterfaces and LeafSDK [forbidden-import]
// expect: 15:8: error: import of 'Glibc': a domain imports only LeafInterfaces and LeafSDK [forbidden-import]
// expect: 16:8: error: import of 'Foundation': a domain imports only LeafInterfaces and LeafSDK [forbidden-import]
// expect: 17:8: error: import of 'CLeafGate': a domain imports only LeafInterfaces and LeafSDK [forbidden-import]
// expect: 18:15: error: import of 'LeafCore.RRef': a domain imports only LeafInterfaces and LeafSDK [forbidden-import]
// expect: 19:8: error: 'import func LeafSDK.log': a domain imports whole modules only ('import LeafSDK') [forbidden-import]
// expect: 20:8: error: import of submodule 'LeafSDK.Internal': a domain imports whole modules only ('import LeafSDK') [forbidden-import]
import LeafInterfaces
import LeafSDK
import Swift
import LeafCore
import LeafProxies
import Glibc
import Foundation
import CLeafGate
import struct LeafCore.RRef
import func LeafSDK.log
import LeafSDK.Internal
