using SocketServer.Tests.Support;

namespace SocketServer.Tests.Models;

public sealed class EpollModelTests : ConcurrentModelTests
{
    protected override Model Model => Model.Epoll;
}
