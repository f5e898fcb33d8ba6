using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

public sealed class AsyncModelTests : ConcurrentModelTests
{
    protected override Model Model => Model.Async;
}
