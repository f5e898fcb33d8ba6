using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

public sealed class ThreadingModelTests : ConcurrentModelTests
{
    protected override Model Model => Model.Threading;
}
