from .factories import ContactMomentFactory, OpeningFactory


def test_caseworker_sees_the_story_first_on_the_employer_page(
    client, caseworker_heusden, bakery_heusden
):
    OpeningFactory(employer=bakery_heusden, title="Bakkerhulp")
    ContactMomentFactory(employer=bakery_heusden, summary="Kennismaking met de eigenaar")
    client.force_login(caseworker_heusden)
    response = client.get(f"/employers/{bakery_heusden.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.index("We maken brood en banket") < html.index("Bakkerhulp")
    assert html.index("Bakkerhulp") < html.index("Kennismaking met de eigenaar")


def test_list_page_renders(client, caseworker_heusden, bakery_heusden, metal_waalwijk):
    client.force_login(caseworker_heusden)
    response = client.get("/employers/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Bakkerij De Korenschoof" in html
    assert "Metaalwerkplaats" not in html
