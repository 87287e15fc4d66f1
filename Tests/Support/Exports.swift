// The zip packages the tests build byte for byte live in their own small target, which the
// fuzzer's XML mode uses too; every test that imports the support gets them.
@_exported import ZipBuilding
