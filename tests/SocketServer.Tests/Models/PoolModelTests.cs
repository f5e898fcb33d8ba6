using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

public sealed class PoolModelTests : ConcurrentModelTests
{
    protected override Model Model => Model.Pool;
}
