using BreachNotify.Application.Common;
using BreachNotify.Domain.Common;

namespace BreachNotify.Application.Tests.Common;

public sealed class PageRequestTests
{
    private static readonly PageSizeLimits Limits = new(DefaultSize: 50, MaxSize: 200);

    [Fact]
    public void Absent_values_take_the_first_page_at_the_default_size()
        => Assert.Equal(new PageRequest(1, 50, null), PageRequest.Parse(null, null, null, Limits));

    [Theory]
    [InlineData("1", "1")]
    [InlineData("100000", "200")]
    public void The_limits_are_inclusive(string page, string size)
    {
        var request = PageRequest.Parse(page, size, "token", Limits);
        Assert.Equal(int.Parse(page, System.Globalization.CultureInfo.InvariantCulture), request.Page);
        Assert.Equal(int.Parse(size, System.Globalization.CultureInfo.InvariantCulture), request.Size);
        Assert.Equal("token", request.Continuation);
    }

    [Theory]
    [InlineData("0", "201")]
    [InlineData("100001", "0")]
    [InlineData("-1", "+5")]
    [InlineData("x", "1.5")]
    [InlineData("99999999999", " 7")]
    public void Every_bad_parameter_is_named_at_once(string page, string size)
    {
        var ex = Assert.Throws<DomainValidationException>(() => PageRequest.Parse(page, size, new string('x', PageRequest.MaxContinuationLength + 1), Limits));
        Assert.Equal(["page", "pageSize", "continuation"], ex.Errors.Select(e => e.Field));
        Assert.Contains("from 1 to 200", ex.Errors[1].Message);
    }

    [Fact]
    public void Errors_join_the_caller_s_own()
    {
        var errors = new FieldErrors();
        errors.Add("status", "Unknown.");
        Assert.Null(PageRequest.Parse(null, "0", null, Limits, errors));
        var ex = Assert.Throws<DomainValidationException>(errors.ThrowIfAny);
        Assert.Equal(["status", "pageSize"], ex.Errors.Select(e => e.Field));
    }
}
