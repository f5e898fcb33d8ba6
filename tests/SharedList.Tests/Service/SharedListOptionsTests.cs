using SharedList.Protocol;
using SharedList.Service;
using SharedList.Stores;

namespace SharedList.Tests.Service;

public class SharedListOptionsTests
{
    [Fact]
    public void Defaults_are_line_framing_and_64_KiB()
    {
        var options = new SharedListOptions();

        Assert.Equal(Framing.Line, options.Framing);
        Assert.Equal(65536, options.MaxMessageBytes);
    }

    [Fact]
    public void A_non_positive_limit_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new SharedListOptions { MaxMessageBytes = 0 });
    }

    [Fact]
    public void The_factory_refuses_missing_dependencies()
    {
        Assert.Throws<ArgumentNullException>(() => new SharedListSessionFactory(null!, new SharedListOptions()));
        Assert.Throws<ArgumentNullException>(() => new SharedListSessionFactory(new MemoryListStore(), null!));
    }
}
