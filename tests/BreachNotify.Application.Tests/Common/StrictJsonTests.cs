using System.Text.Json;
using BreachNotify.Application.Common;

namespace BreachNotify.Application.Tests.Common;

public sealed class StrictJsonTests
{
    private static JsonTextProblem? Find(string json)
    {
        using var doc = JsonDocument.Parse(json, StrictJson.DocumentOptions);
        return StrictJson.FindProblem(doc.RootElement);
    }

    [Theory]
    [InlineData("""{"title":"a","title":"b"}""", "title")]
    [InlineData("""{"facts":{"dataSubjects":1,"dataSubjects":2}}""", "facts.dataSubjects")]
    [InlineData("""{"a":1,"\u0061":2}""", "a")]
    [InlineData("""[{"email":"x"},{"email":"y","email":"z"}]""", "[1].email")]
    public void A_field_given_twice_is_named(string json, string field)
    {
        var problem = Find(json);
        Assert.NotNull(problem);
        Assert.Equal(field, problem.Field);
        Assert.Equal(StrictJson.DuplicateMessage, problem.Message);
    }

    [Theory]
    [InlineData("""{"title":"\ud800x"}""", "title")]
    [InlineData("""{"title":"\udc00\ud800"}""", "title")]
    [InlineData("""{"facts":{"breachTypes":["ok","\ud800"]}}""", "facts.breachTypes[1]")]
    [InlineData("""[{"email":"\ud800"}]""", "[0].email")]
    public void A_string_that_is_not_text_is_named(string json, string field)
    {
        var problem = Find(json);
        Assert.NotNull(problem);
        Assert.Equal(field, problem.Field);
        Assert.Equal(StrictJson.NotTextMessage, problem.Message);
    }

    [Fact]
    public void A_field_name_that_is_not_text_names_its_object()
        => Assert.Equal(new JsonTextProblem("facts", StrictJson.NameNotTextMessage), Find("""{"facts":{"\ud800":1}}"""));

    [Theory]
    [InlineData("""{"title":"\ud83d\ude00 a pair is text","same":{"title":"other object"}}""")]
    [InlineData("""[1, "two", null, {"a":[{"a":1}]}]""")]
    public void Valid_documents_have_no_problem(string json) => Assert.Null(Find(json));

    [Fact]
    public void Names_with_line_breaks_are_escaped_in_the_path()
    {
        var field = StrictJson.Member("facts", "x\nfail: forged");
        Assert.Equal("facts['x\\u000afail: forged']", field);
        Assert.DoesNotContain('\n', field);
    }
}
