import HTTPServer
import Testing

@testable import Serve

@Suite struct MultipartTests {
  @Test func aBrowsersFileFieldIsReadWithItsNameAndBytes() throws {
    let bytes: [UInt8] = [0x50, 0x4B, 0x03, 0x04, 13, 10, 45, 45, 0, 255]
    let (body, type) = multipart(fileName: "C:\\报送\\基础医学院.xlsx", bytes)
    let form = try MultipartForm(body: body, contentType: type)
    let part = try #require(form.part("file"))
    #expect(part.fileName == "C:\\报送\\基础医学院.xlsx")
    #expect(try part.body.readAll() == bytes)
  }

  @Test func severalFieldsAndAQuotedBoundary() throws {
    let body = Array(
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\none\r\n--b\r\ncontent-disposition: form-data; name=b\r\n\r\ntwo\r\n--b--\r\n"
        .utf8)
    let form = try MultipartForm(body: body, contentType: "multipart/form-data; boundary=\"b\"")
    #expect(form.parts.map(\.name) == ["a", "b"])
    #expect(try form.part("b")?.body.readAll() == Array("two".utf8))
    #expect(form.part("a")?.fileName == nil)
  }

  @Test(arguments: [
    ("", "multipart/form-data; boundary=b"),
    (
      "--b\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nno end",
      "multipart/form-data; boundary=b"
    ),
    ("--b\r\nNo-Disposition: x\r\n\r\nv\r\n--b--", "multipart/form-data; boundary=b"),
    ("--b\r\nContent-Disposition: form-data\r\n\r\nv\r\n--b--", "multipart/form-data; boundary=b"),
    ("--bXX", "multipart/form-data; boundary=b"),
    ("--b\r\nContent-Disposition: form-data; name=\"a\"", "multipart/form-data; boundary=b"),
    ("anything", "application/octet-stream"),
    ("anything", "multipart/form-data"),
  ])
  func aBodyThatIsNotAFormIsAnErrorNotATrap(body: String, contentType: String) {
    #expect(throws: MultipartError.self) {
      try MultipartForm(body: Array(body.utf8), contentType: contentType)
    }
  }

  @Test func aSignInFormsFieldsAreDecodedFromTheBodysFile() throws {
    let f = try AppFixture()
    let fields = f.app.formFields(
      RequestBody(Array("token=a%2Bb+c%E4%B8%AD&token=x&bad=%zz%4&e".utf8)))
    #expect(fields == ["token": "a+b c中", "bad": "%zz%4", "e": ""])
    #expect(f.app.formFields(RequestBody([UInt8](repeating: 0x61, count: 70_000))) == [:])
  }

  @Test func headerParametersQuotedEscapedAndBare() {
    let p = HeaderParameters(#"form-data; name="file"; filename="a\%22b%22;c.xlsx"; size=3"#)
    #expect(p["name"] == "file")
    #expect(p["filename"] == #"a\%22b%22;c.xlsx"#)
    #expect(p["size"] == "3")
    #expect(p["missing"] == nil)
  }
}
